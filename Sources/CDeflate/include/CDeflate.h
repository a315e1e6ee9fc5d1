#ifndef CDEFLATE_H
#define CDEFLATE_H
// libdeflate's API; the functions berth calls are defined in DeflateLoader.c (loaded on first use).
#include <libdeflate.h>
#endif
