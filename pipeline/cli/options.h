#pragma once
int LiauditMain(int argc, char** argv);
