#include "cli/options.h"

#include <iostream>

#include "liaudit_version.h"

int LiauditMain(int argc, char** argv) {
  (void)argc;
  (void)argv;
  std::cout << "liaudit " << LIAUDIT_VERSION << "\n";
  return 0;
}
