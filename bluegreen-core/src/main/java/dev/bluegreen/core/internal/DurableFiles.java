package dev.bluegreen.core.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * Replacing a file so that a crash at any moment leaves either the old content or the new one, and the new one is
 * on the disk before the call returns: the bytes go to a temporary file beside it, which is forced to the disk
 * ({@code fsync}), renamed over the file (atomic within one directory on POSIX file systems), and the directory is
 * forced too, so that the rename itself survives a power loss.
 *
 * <p>Stateless. The caller serializes writes to one file.
 */
public final class DurableFiles {

    /** As many links in a row as Linux follows before giving up ({@code ELOOP}). */
    private static final int MAX_LINKS = 40;

    private DurableFiles() {
    }

    /**
     * The temporary file a write of {@code file} goes through.
     *
     * @param file the file
     * @return {@code .NAME.tmp} in the same directory
     */
    public static Path temporaryFor(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".tmp");
    }

    /**
     * The file that {@code file} names once symbolic links are followed, in the real path of its directory: a rename
     * over a link would replace the link and leave its target behind, and two spellings of one file would take two
     * locks.
     *
     * @param file the file; its directory must exist, the file need not
     * @return the absolute, real path of the file, or of the file a link (or a chain of them) points to
     * @throws IOException if a directory on the way does not exist or can't be read, or the links go round
     */
    public static Path followLinks(Path file) throws IOException {
        Path current = file.toAbsolutePath();
        for (int links = 0; links <= MAX_LINKS; links++) {
            Path directory = current.getParent().toRealPath();
            current = directory.resolve(current.getFileName());
            if (!Files.isSymbolicLink(current)) {
                return current;
            }
            // A relative link is relative to the directory it is in.
            current = directory.resolve(Files.readSymbolicLink(current)).normalize();
            if (current.getFileName() == null) {
                throw new IOException(file + ": a symbolic link to " + current + ", which is not a file");
            }
        }
        throw new IOException(file + ": more than " + MAX_LINKS + " symbolic links in a row");
    }

    /**
     * Replaces {@code file}'s content with {@code data}, durably. The replacement keeps the file's permissions, and
     * its group and owner where this process may set them.
     *
     * @param file the file
     * @param data the new content
     * @throws IOException if the new content could not be written or renamed into place; the file then still holds
     *         its old content
     * @throws DirectorySyncException if the rename was done but the directory could not be forced to the disk: the
     *         file holds the new content, which a power loss might still undo
     */
    public static void replace(Path file, byte[] data) throws IOException {
        Path temporary = temporaryFor(file);
        PosixFileAttributes before = posixAttributes(file);
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            if (before != null) {
                keepAccess(temporary, before);
            }
            ByteBuffer buffer = ByteBuffer.wrap(data);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(true);
        }
        try {
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + file + " can't rename atomically", e);
        }
        try {
            syncDirectory(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new DirectorySyncException(file, e);
        }
    }

    /** The POSIX attributes of {@code file}, or {@code null} if it does not exist or the file system has none. */
    private static PosixFileAttributes posixAttributes(Path file) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return null;
        }
        try {
            return view.readAttributes();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /**
     * Gives the replacement the access the replaced file had, before any byte is written to it: its permissions
     * (an operator's {@code chmod 600} must not become the umask's {@code 644} at the first change), and its group and
     * owner where this process may set them, as {@code cp -p} does.
     */
    private static void keepAccess(Path temporary, PosixFileAttributes before) {
        PosixFileAttributeView view = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
        try {
            view.setPermissions(before.permissions());
            view.setGroup(before.group());
            view.setOwner(before.owner());
        } catch (IOException | SecurityException notPermitted) {
            // Best effort, as cp -p: only root may give a file away, and a file system may not keep permissions. A
            // change is not refused for it.
        }
    }

    /**
     * Forces a directory's entries to the disk, so that a file created or renamed in it survives a power loss.
     *
     * @param directory the directory
     * @throws IOException if it can't be opened or forced
     */
    public static void syncDirectory(Path directory) throws IOException {
        // Linux lets a directory be opened for reading and fsync'ed; that is what makes a rename durable.
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** The new content is in place, but the directory entry may not have reached the disk. */
    public static final class DirectorySyncException extends IOException {
        private static final long serialVersionUID = 1L;

        DirectorySyncException(Path file, IOException cause) {
            super("replaced " + file + " but could not force its directory to the disk: " + cause, cause);
        }
    }
}
