#include <csignal>
#include <exception>
#include <iostream>

#include "cli/options.h"

int main(int argc, char** argv) {
  // Past a file size limit (ulimit -f) a write fails with EFBIG and the job reports the file
  // and exits 1, instead of the process being killed by SIGXFSZ half-way through a job.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    return LiauditMain(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "liaudit: internal error: " << e.what() << "\n";
    return 1;
  }
}
