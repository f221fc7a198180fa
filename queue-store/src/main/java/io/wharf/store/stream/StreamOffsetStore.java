package io.wharf.store.stream;

import java.util.Map;

/** Where a stream keeps its named consumers' last settled offsets (the metadata store, on disk). */
public interface StreamOffsetStore {

    /** Keeps nothing. */
    StreamOffsetStore NONE = new StreamOffsetStore() {
        @Override
        public Map<String, Long> load() {
            return Map.of();
        }

        @Override
        public void store(Map<String, Long> offsets) {
        }
    };

    /** Consumer name to last settled offset, as stored. Called once, on the stream's thread, when it opens. */
    Map<String, Long> load() throws Exception;

    /** Stores these offsets (replacing older ones of the same names); must not block. */
    void store(Map<String, Long> offsets);
}
