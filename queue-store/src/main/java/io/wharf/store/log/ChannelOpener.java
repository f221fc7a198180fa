package io.wharf.store.log;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * How the log opens its files. The default is {@link FileChannel#open}; another opener can wrap the channel to
 * instrument it or to inject faults (the crash tests record which bytes were forced this way).
 */
@FunctionalInterface
public interface ChannelOpener {

    ChannelOpener DEFAULT = (path, options) -> FileChannel.open(path, options);

    FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;
}
