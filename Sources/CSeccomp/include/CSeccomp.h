#ifndef CSECCOMP_H
#define CSECCOMP_H
// libseccomp's API; the functions berth calls are defined in SeccompLoader.c (loaded on first use).
#include <seccomp.h>
#endif
