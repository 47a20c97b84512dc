// tousuctl: the staff command-line client (see tools/tousuctl/commands.h, `tousuctl help`).

#include <iostream>
#include <string>
#include <vector>

#include "tools/tousuctl/commands.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  const int code = tousu::ctl::Run(args, std::cout, std::cerr, tousu::ctl::ProcessEnvironment());
  std::cout.flush();
  return code;
}
