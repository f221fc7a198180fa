package io.wharf.store.log;

/** A record read from a segment does not match its CRC or its layout (the disk changed it after recovery). */
public final class CorruptRecordException extends RuntimeException {

    public CorruptRecordException(String message) {
        super(message);
    }
}
