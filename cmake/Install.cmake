# install() rules: `cmake --install build [--prefix DIR]`, and the Debian package (cmake/Package.cmake).
#   bin/liaudit
#   share/liaudit/{templates,fonts,crontab,liaudit.env.example,liaudit.ini}
#   /etc/liaudit/liaudit.ini with prefix /usr (the package), else PREFIX/etc/liaudit/liaudit.ini
#   libexec/liaudit/liaudit-catchup.sh
#   share/doc/liaudit/  README, docs/*.md, liaudit.example.ini, copyright, changelog.gz
#   share/man/man1/liaudit.1.gz
#   lib/systemd/system/liaudit-{nightly,quarterly}.{service,timer}  (LIAUDIT_SYSTEMD_UNIT_DIR)
# The installed binary finds share/liaudit next to its bin/ folder (DataDir() in
# pipeline/cli/options.cc), so any prefix works without LIAUDIT_DATA_DIR.
set(LIAUDIT_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING
    "where the systemd units go (relative to the prefix, or absolute: /lib/systemd/system for Debian 12)")

install(TARGETS liaudit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY templates fonts DESTINATION ${CMAKE_INSTALL_DATADIR}/liaudit)
install(PROGRAMS deploy/liaudit-catchup.sh DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/liaudit)
install(FILES deploy/liaudit.env.example DESTINATION ${CMAKE_INSTALL_DATADIR}/liaudit)
file(GLOB LIAUDIT_DOCS ${PROJECT_SOURCE_DIR}/docs/*.md)
install(FILES README.md liaudit.example.ini ${LIAUDIT_DOCS} DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The production settings: liaudit.example.ini with the folders of /var/lib/liaudit.
file(READ ${PROJECT_SOURCE_DIR}/liaudit.example.ini LIAUDIT_INI)
string(REGEX REPLACE "\ninput = input    " "\ninput = /var/lib/liaudit/input" LIAUDIT_INI "${LIAUDIT_INI}")
string(REGEX REPLACE "\noutput = output  " "\noutput = /var/lib/liaudit/output" LIAUDIT_INI "${LIAUDIT_INI}")
string(REPLACE "pkcs12 = /etc/liaudit/signer.p12 " "pkcs12 = /var/lib/liaudit/signer.p12" LIAUDIT_INI "${LIAUDIT_INI}")
string(REPLACE "# liaudit settings. Copy to liaudit.ini (read from the current folder) or pass --config FILE."
       "# /etc/liaudit/liaudit.ini: the settings of the installed liaudit (the package links\n# /var/lib/liaudit/liaudit.ini to it; the units run in /var/lib/liaudit). Owner liaudit, mode 0600."
       LIAUDIT_INI "${LIAUDIT_INI}")
file(WRITE ${PROJECT_BINARY_DIR}/deploy/liaudit.ini "${LIAUDIT_INI}")
install(FILES ${PROJECT_BINARY_DIR}/deploy/liaudit.ini DESTINATION ${CMAKE_INSTALL_DATADIR}/liaudit)
set(LIAUDIT_MAINTAINER "liaudit maintainers <liaudit-maintainers@example.org>" CACHE STRING
    "the package's Maintainer field (set the real team address: -DLIAUDIT_MAINTAINER=...)")

# The units and the crontab name the installed paths, so they are written at install time,
# when the final prefix is known (--prefix, or /usr for the package).
install(CODE "
  set(LIAUDIT_DEPLOY_SRC \"${PROJECT_SOURCE_DIR}/deploy\")
  set(LIAUDIT_DEPLOY_TMP \"${PROJECT_BINARY_DIR}/deploy/installed\")
  set(LIAUDIT_DEPLOY_BIN \"${PROJECT_BINARY_DIR}/deploy\")
  set(LIAUDIT_VERSION \"${PROJECT_VERSION}\")
  set(LIAUDIT_MAINTAINER \"${LIAUDIT_MAINTAINER}\")
  set(LIAUDIT_BINDIR \"${CMAKE_INSTALL_BINDIR}\")
  set(LIAUDIT_LIBEXECDIR \"${CMAKE_INSTALL_LIBEXECDIR}\")
  set(LIAUDIT_DATADIR \"${CMAKE_INSTALL_DATADIR}\")
  set(LIAUDIT_DOCDIR \"${CMAKE_INSTALL_DOCDIR}\")
  set(LIAUDIT_MANDIR \"${CMAKE_INSTALL_MANDIR}\")
  set(LIAUDIT_UNITDIR \"${LIAUDIT_SYSTEMD_UNIT_DIR}\")
")
install(SCRIPT cmake/InstallDeploy.cmake)
