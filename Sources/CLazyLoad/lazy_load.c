#include "CLazyLoad.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t loading = PTHREAD_MUTEX_INITIALIZER;
/// The loaded unloadable libraries, linked through `next`.
static struct berth_lazy_library *loaded;

/// berth_lazy_resolve with `loading` held.
static void *resolve_locked(struct berth_lazy_library *library, const char *name, struct berth_lazy_slot *slot) {
  void *address = slot->address;
  if (address != NULL) return address;
  if (library->handle == NULL) {
    library->handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
    if (library->handle == NULL) {
      fprintf(stderr, "berth: cannot load %s (apt-get install %s): %s\n", library->soname, library->package, dlerror());
      abort();
    }
    if (library->unloadable) {
      library->next = loaded;
      loaded = library;
    }
  }
  address = dlsym(library->handle, name);
  if (address == NULL) {
    fprintf(stderr, "berth: %s has no %s\n", library->soname, name);
    abort();
  }
  slot->next = library->slots;
  library->slots = slot;
  __atomic_store_n(&slot->address, address, __ATOMIC_RELEASE);
  return address;
}

void *berth_lazy_resolve(struct berth_lazy_library *library, const char *name, struct berth_lazy_slot *slot) {
  // A resolved slot is read without the lock: an unloadable library is only unloaded while no
  // object of it is live, and every function but those that make objects takes one.
  void *address = __atomic_load_n(&slot->address, __ATOMIC_ACQUIRE);
  if (address != NULL) return address;
  pthread_mutex_lock(&loading);
  address = resolve_locked(library, name, slot);
  pthread_mutex_unlock(&loading);
  return address;
}

void *berth_lazy_resolve_make(struct berth_lazy_library *library, const char *name, struct berth_lazy_slot *slot) {
  pthread_mutex_lock(&loading);
  library->live += 1;
  library->used = true;
  void *address = resolve_locked(library, name, slot);
  pthread_mutex_unlock(&loading);
  return address;
}

void berth_lazy_freed(struct berth_lazy_library *library) {
  pthread_mutex_lock(&loading);
  library->live -= 1;
  pthread_mutex_unlock(&loading);
}

int berth_lazy_unload_idle(void) {
  int unloaded = 0;
  pthread_mutex_lock(&loading);
  for (struct berth_lazy_library **link = &loaded; *link != NULL;) {
    struct berth_lazy_library *library = *link;
    if (library->live > 0 || library->used) {
      library->used = false;
      link = &library->next;
      continue;
    }
    for (struct berth_lazy_slot *slot = library->slots, *next; slot != NULL; slot = next) {
      next = slot->next;
      slot->next = NULL;
      __atomic_store_n(&slot->address, NULL, __ATOMIC_RELEASE);
    }
    library->slots = NULL;
    dlclose(library->handle);
    library->handle = NULL;
    *link = library->next;
    library->next = NULL;
    unloaded += 1;
  }
  pthread_mutex_unlock(&loading);
  return unloaded;
}
