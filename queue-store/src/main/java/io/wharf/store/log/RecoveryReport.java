package io.wharf.store.log;

import java.nio.file.Path;

/**
 * What opening a log found and did. When records were lost ({@link #lostData()}), the same facts were logged
 * at WARN.
 *
 * @param dir               the log's folder
 * @param cleanShutdown     a valid clean-shutdown marker was found, so no segment needed a CRC scan
 * @param segments          segments kept
 * @param segmentsScanned   segments read record by record with CRC checks (the unclean tail, or a segment whose
 *                          index could not be trusted)
 * @param indexesRebuilt    index files that were missing or damaged and were written again
 * @param nextOffset        the offset the next append gets
 * @param firstLostOffset   the first offset dropped, or -1 when nothing was dropped
 * @param lastLostOffset    the last offset dropped as far as could be told from the dropped bytes (a record whose
 *                          header is destroyed cannot be counted), or -1 when nothing was dropped
 * @param bytesDropped      bytes removed from the truncated segment plus the sizes of the segments deleted after it
 * @param segmentsDropped   whole segments deleted because they followed the first bad record
 */
public record RecoveryReport(Path dir, boolean cleanShutdown, int segments, int segmentsScanned, int indexesRebuilt,
                             long nextOffset, long firstLostOffset, long lastLostOffset, long bytesDropped,
                             int segmentsDropped) {

    public boolean lostData() {
        return bytesDropped > 0;
    }

    /** The number of records known lost (at least 1 whenever bytes were dropped). */
    public long recordsLost() {
        return firstLostOffset < 0 ? 0 : lastLostOffset - firstLostOffset + 1;
    }
}
