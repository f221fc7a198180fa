package io.wharf.store.log;

import java.io.IOException;

/** A piece of work for a log on the writer thread, answering a value. */
@FunctionalInterface
interface WriterTask<T> {

    T run(WriterBatch batch) throws IOException;
}
