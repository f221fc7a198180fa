/**
 * The metadata store: the broker's topology (virtual hosts, queues and their arguments, exchanges, bindings; users
 * and stored consumer offsets as they arrive) in an embedded H2 database file in the data directory, with a
 * versioned, append-only schema. Every call blocks on JDBC: callers run it on the one metadata thread, never on a
 * network event loop.
 */
package io.wharf.store.meta;
