// fontconfig leaks a few bytes while parsing its XML configuration (inside libexpat
// callbacks, not in our code); LeakSanitizer reads this hook in sanitizer builds.
extern "C" const char* __lsan_default_suppressions();
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }
