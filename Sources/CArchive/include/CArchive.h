#ifndef CARCHIVE_H
#define CARCHIVE_H
// libarchive's API. The functions berth calls are defined in ArchiveLoader.c, which loads
// libarchive.so.13 the first time one of them is called.
#include <archive.h>
#include <archive_entry.h>
#endif
