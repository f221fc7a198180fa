/**
 * The metadata store: the broker's topology (queues and their arguments now; exchanges, bindings, users and stored
 * consumer offsets as they arrive) in an embedded H2 database file in the data directory, with a versioned schema.
 * Every call blocks on JDBC: callers run it on a thread of their own, never on a network event loop.
 */
package io.wharf.store.meta;
