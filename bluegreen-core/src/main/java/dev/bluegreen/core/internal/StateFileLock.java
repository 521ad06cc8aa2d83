package dev.bluegreen.core.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;

/**
 * The lock that keeps a state file to one process: an OS file lock on {@code NAME.lock} beside the file (the state
 * file itself is replaced by a rename at every change, so it can't carry the lock), holding the holder's pid and
 * start time for the message another process gets. The OS releases it when the process ends, however it ends
 * ({@code kill -9} included); the lock file itself stays, and its content is only a hint. Removing it while the
 * process runs would let a second one in: the holder checks it before every write ({@link #checkHeld()}).
 *
 * <p>Not thread-safe; the store takes it once and releases it once.
 */
public final class StateFileLock implements AutoCloseable {

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    /** The lock file's identity (device and inode on Linux) when locked; {@code null} where the OS has none. */
    private final Object fileKey;

    private StateFileLock(Path path, FileChannel channel, FileLock lock, Object fileKey) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.fileKey = fileKey;
    }

    /**
     * The lock file of {@code file}.
     *
     * @param file the state file
     * @return {@code NAME.lock} in the same directory
     */
    public static Path lockFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".lock");
    }

    /**
     * Takes the lock of {@code file}, without waiting.
     *
     * @param file the state file
     * @return the lock, held until {@link #close()}
     * @throws ChangeRefusedException with {@link Refusal#STORE_REJECTED} if another process (or another store in this
     *         one) holds it, naming the file and the holder as the lock file says, or if the lock file can't be
     *         opened
     */
    public static StateFileLock acquire(Path file) {
        Path path = lockFileOf(file);
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw refused("can't lock the routing state file " + file + ": can't open " + path + ": " + e);
        }
        try {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                throw refused("the routing state file " + file + " is already open in this process (another"
                        + " FileRoutingStore holds " + path + "); one store per file");
            }
            if (lock == null) {
                throw refused("the routing state file " + file + " is in use by another process (" + holder(path)
                        + ", holding " + path + "); one process per state file: stop the other one, or give this"
                        + " one its own file");
            }
            StateFileLock held = new StateFileLock(path, channel, lock, fileKey(path));
            held.writeHolder();
            return held;
        } catch (IOException e) {
            closeQuietly(channel);
            throw refused("can't lock the routing state file " + file + " (" + path + "): " + e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /**
     * Checks that the lock still keeps other processes out: that the lock file at its path is still the one locked.
     * If someone removed (or replaced) it, another process can create a new one, lock it and write the state file
     * too; the store then refuses to write rather than let two processes overwrite each other's states.
     *
     * @throws IOException naming the lock file, if it is gone or another file has taken its place
     */
    public void checkHeld() throws IOException {
        Object now;
        try {
            now = fileKey(path);
        } catch (NoSuchFileException e) {
            throw new IOException("the lock file " + path + " was removed while this process held it, so another"
                    + " process may hold the state file now; restart this process to lock it again");
        }
        if (fileKey != null && !fileKey.equals(now)) {
            throw new IOException("the lock file " + path + " was replaced while this process held it, so another"
                    + " process may hold the state file now; restart this process to lock it again");
        }
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException e) {
            // Closing the channel releases it too.
        }
        closeQuietly(channel);
    }

    private void writeHolder() throws IOException {
        String holder = "pid " + ProcessHandle.current().pid() + ", since " + Instant.now() + "\n";
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder.getBytes(UTF_8)), 0);
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    }

    /** What the lock file says of its holder, for the message: a hint, since a crash leaves the last one there. */
    private static String holder(Path path) {
        try {
            byte[] bytes = Files.readAllBytes(path);
            String text = new String(bytes, UTF_8).strip();
            if (!text.isEmpty() && text.length() <= 200 && text.chars().noneMatch(Character::isISOControl)) {
                return text;
            }
        } catch (IOException e) {
            // Fall through: the holder is unknown.
        }
        return "holder unknown";
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }

    private static ChangeRefusedException refused(String message) {
        return new ChangeRefusedException(Refusal.STORE_REJECTED, message);
    }

    @Override
    public String toString() {
        return "StateFileLock[" + path + "]";
    }
}
