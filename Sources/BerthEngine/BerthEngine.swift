/// BerthEngine is the library the CLI (and later the API daemon) calls: `Engine` with its
/// `ImageService` and `ContainerService`, the SQLite metadata store, and crash recovery.
///
/// It owns the data root's layout and every state change recorded in `berth.db`. It must not
/// print, parse command lines or speak HTTP: errors are `BerthError`s with Docker's wording.
public enum BerthEngineModule {}
