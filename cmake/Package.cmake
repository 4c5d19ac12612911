# The Debian package: `scripts/package.sh` (cpack -G DEB) -> build/liaudit_<version>_amd64.deb.
# Contents: cmake/Install.cmake (prefix /usr). Maintainer scripts: deploy/debian/.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "liaudit")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT "${LIAUDIT_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "audits labour-insurance query logs, writes signed reports")
set(CPACK_PACKAGE_DESCRIPTION "liaudit checks the query log of the labour-insurance query service
against the permission, registration and request registers, and writes
the nightly exception report, the quarterly review package and the four
forms as signed PDF and XLSX files, with a hash-chained manifest for
every job.")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")  # liaudit_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${LIAUDIT_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SECTION "misc")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Run time: the font chain of fonts/fonts.conf; adduser for the postinst. liaudit starts no
# other program (poppler-utils, qpdf are for the tests only).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser, fonts-cns11643-kai, fonts-noto-cjk, fonts-dejavu-core, icc-profiles-free | colord-data")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "systemd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "opensc-pkcs11")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/deploy/debian/postinst;${PROJECT_SOURCE_DIR}/deploy/debian/prerm;${PROJECT_SOURCE_DIR}/deploy/debian/postrm;${PROJECT_SOURCE_DIR}/deploy/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_OUTPUT_FILE_PREFIX "${PROJECT_BINARY_DIR}")
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}/_cpack")
include(CPack)
