# Warnings for the project's own code only; third-party headers are SYSTEM.
add_library(liaudit_warnings INTERFACE)
target_compile_options(liaudit_warnings INTERFACE
  -Wall -Wextra -Wconversion -Wshadow -Wno-sign-conversion)
if(LIAUDIT_WERROR)
  target_compile_options(liaudit_warnings INTERFACE -Werror)
endif()
