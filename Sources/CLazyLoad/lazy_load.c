#include "CLazyLoad.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t loading = PTHREAD_MUTEX_INITIALIZER;

void *berth_lazy_resolve(struct berth_lazy_library *library, const char *name, void **slot) {
  void *address = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (address != NULL) return address;
  pthread_mutex_lock(&loading);
  if (library->handle == NULL) {
    library->handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
    if (library->handle == NULL) {
      fprintf(stderr, "berth: cannot load %s (apt-get install %s): %s\n", library->soname, library->package, dlerror());
      abort();
    }
  }
  address = dlsym(library->handle, name);
  pthread_mutex_unlock(&loading);
  if (address == NULL) {
    fprintf(stderr, "berth: %s has no %s\n", library->soname, name);
    abort();
  }
  __atomic_store_n(slot, address, __ATOMIC_RELEASE);
  return address;
}
