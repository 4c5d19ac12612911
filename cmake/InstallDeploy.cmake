# Run by `cmake --install` (see cmake/Install.cmake): deploy/'s units and crontab with the
# /usr/local paths of the manual installation replaced by those of this installation.
set(prefix "${CMAKE_INSTALL_PREFIX}")
set(unitdir "${LIAUDIT_UNITDIR}")
if(NOT IS_ABSOLUTE "${unitdir}")
  set(unitdir "${prefix}/${unitdir}")
endif()
file(MAKE_DIRECTORY "${LIAUDIT_DEPLOY_TMP}")
foreach(f liaudit-nightly.service liaudit-nightly.timer liaudit-quarterly.service liaudit-quarterly.timer crontab)
  file(READ "${LIAUDIT_DEPLOY_SRC}/${f}" text)
  string(REPLACE "/usr/local/share/doc/liaudit" "${prefix}/${LIAUDIT_DOCDIR}" text "${text}")
  string(REPLACE "/usr/local/share/liaudit" "${prefix}/${LIAUDIT_DATADIR}/liaudit" text "${text}")
  string(REPLACE "/usr/local/lib/liaudit/liaudit-catchup.sh" "${prefix}/${LIAUDIT_LIBEXECDIR}/liaudit/liaudit-catchup.sh" text "${text}")
  string(REPLACE "/usr/local/lib/liaudit/crontab" "${prefix}/${LIAUDIT_DATADIR}/liaudit/crontab" text "${text}")
  string(REPLACE "/usr/local/bin" "${prefix}/${LIAUDIT_BINDIR}" text "${text}")
  file(WRITE "${LIAUDIT_DEPLOY_TMP}/${f}" "${text}")
endforeach()
file(INSTALL DESTINATION "${unitdir}" TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
     FILES "${LIAUDIT_DEPLOY_TMP}/liaudit-nightly.service" "${LIAUDIT_DEPLOY_TMP}/liaudit-nightly.timer"
           "${LIAUDIT_DEPLOY_TMP}/liaudit-quarterly.service" "${LIAUDIT_DEPLOY_TMP}/liaudit-quarterly.timer")
file(INSTALL DESTINATION "${prefix}/${LIAUDIT_DATADIR}/liaudit" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES "${LIAUDIT_DEPLOY_TMP}/crontab")

# The settings: /etc/liaudit/liaudit.ini for the package (prefix /usr), PREFIX/etc otherwise
# (GNUInstallDirs' rule), so `cmake --install --prefix /tmp/x` writes nothing outside /tmp/x.
if(prefix STREQUAL "/usr")
  set(etcdir "/etc/liaudit")
else()
  set(etcdir "${prefix}/etc/liaudit")
endif()
file(INSTALL DESTINATION "${etcdir}" TYPE FILE PERMISSIONS OWNER_READ OWNER_WRITE
     FILES "${LIAUDIT_DEPLOY_BIN}/liaudit.ini")

# Debian wants a copyright file and a compressed changelog beside the docs (changelog.gz:
# the version has no Debian revision, so this is a native package), and the manual page.
file(INSTALL DESTINATION "${prefix}/${LIAUDIT_DOCDIR}" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES "${LIAUDIT_DEPLOY_SRC}/debian/copyright")
string(TIMESTAMP now "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE "${LIAUDIT_DEPLOY_TMP}/changelog"
"liaudit (${LIAUDIT_VERSION}) stable; urgency=medium\n\n  * Package built from the liaudit source tree (CPack).\n\n -- ${LIAUDIT_MAINTAINER}  ${now}\n")
configure_file("${LIAUDIT_DEPLOY_SRC}/liaudit.1" "${LIAUDIT_DEPLOY_TMP}/liaudit.1" COPYONLY)
execute_process(COMMAND gzip -9nf "${LIAUDIT_DEPLOY_TMP}/changelog" "${LIAUDIT_DEPLOY_TMP}/liaudit.1" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gzip failed on the changelog and the manual page")
endif()
file(INSTALL DESTINATION "${prefix}/${LIAUDIT_DOCDIR}" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES "${LIAUDIT_DEPLOY_TMP}/changelog.gz")
file(INSTALL DESTINATION "${prefix}/${LIAUDIT_MANDIR}/man1" TYPE FILE
     PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ FILES "${LIAUDIT_DEPLOY_TMP}/liaudit.1.gz")
