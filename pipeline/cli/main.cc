#include <exception>
#include <iostream>

#include "cli/options.h"

int main(int argc, char** argv) {
  try {
    return LiauditMain(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "liaudit: internal error: " << e.what() << "\n";
    return 1;
  }
}
