#ifndef CBERTH_SQLITE_H
#define CBERTH_SQLITE_H

/// Tells an open SQLite connection (a `sqlite3 *`) not to checkpoint its WAL when it closes.
/// sqlite3_db_config is variadic, which Swift cannot call. Returns an SQLite result code.
int berth_sqlite_no_checkpoint_on_close(void *db);

#endif
