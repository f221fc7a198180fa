package io.wharf.store.log;

/** Receives the records of a {@link SegmentedLog#scan}. */
@FunctionalInterface
public interface RecordVisitor {

    /** Answer false to stop the scan. The view is reused for the next record. */
    boolean visit(RecordView record);
}
