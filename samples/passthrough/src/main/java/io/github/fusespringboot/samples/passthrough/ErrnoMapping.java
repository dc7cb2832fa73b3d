// Turns the exception a java.nio call threw into the errno a FUSE callback returns (negated).
package io.github.fusespringboot.samples.passthrough;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.util.LinkedHashMap;
import java.util.Map;

import ru.serce.jnrfuse.ErrorCodes;

/**
 * The errno for an {@link IOException}. java.nio has a subclass for the common cases (no such file,
 * exists, not empty, access denied); for the rest it throws a plain {@link FileSystemException} whose
 * reason is the C library's {@code strerror} text, so those are recognised by that text. Anything
 * unknown is {@code EIO}: the caller sees an I/O error, never a success.
 */
final class ErrnoMapping {

    /** glibc's strerror texts (string/_strerror.c, sysdeps/gnu/errlist.h) of the errors a passthrough meets. */
    private static final Map<String, Integer> BY_REASON = new LinkedHashMap<>();

    static {
        BY_REASON.put("No such file or directory", ErrorCodes.ENOENT());
        BY_REASON.put("File exists", ErrorCodes.EEXIST());
        BY_REASON.put("Directory not empty", ErrorCodes.ENOTEMPTY());
        BY_REASON.put("Permission denied", ErrorCodes.EACCES());
        BY_REASON.put("Operation not permitted", ErrorCodes.EPERM());
        BY_REASON.put("Is a directory", ErrorCodes.EISDIR());
        BY_REASON.put("Not a directory", ErrorCodes.ENOTDIR());
        BY_REASON.put("Read-only file system", ErrorCodes.EROFS());
        BY_REASON.put("No space left on device", ErrorCodes.ENOSPC());
        BY_REASON.put("Disk quota exceeded", ErrorCodes.EDQUOT());
        BY_REASON.put("File too large", ErrorCodes.EFBIG());
        BY_REASON.put("File name too long", ErrorCodes.ENAMETOOLONG());
        BY_REASON.put("Invalid cross-device link", ErrorCodes.EXDEV());
        BY_REASON.put("Too many levels of symbolic links", ErrorCodes.ELOOP());
        BY_REASON.put("Too many links", ErrorCodes.EMLINK());
        BY_REASON.put("Invalid argument", ErrorCodes.EINVAL());
        BY_REASON.put("Device or resource busy", ErrorCodes.EBUSY());
        BY_REASON.put("Text file busy", ErrorCodes.ETXTBSY());
        BY_REASON.put("Bad file descriptor", ErrorCodes.EBADF());
        BY_REASON.put("Too many open files", ErrorCodes.EMFILE());
        BY_REASON.put("Operation not supported", ErrorCodes.EOPNOTSUPP());
    }

    private ErrnoMapping() {
    }

    /** The errno for {@code ex}, negated as FUSE callbacks return it: {@code -ENOENT}, {@code -EIO}, ... */
    static int negated(IOException ex) {
        return -errno(ex);
    }

    static int errno(IOException ex) {
        if (ex instanceof NoSuchFileException) {
            return ErrorCodes.ENOENT();
        }
        if (ex instanceof FileAlreadyExistsException) {
            return ErrorCodes.EEXIST();
        }
        if (ex instanceof DirectoryNotEmptyException) {
            return ErrorCodes.ENOTEMPTY();
        }
        if (ex instanceof AccessDeniedException) {
            return ErrorCodes.EACCES();
        }
        if (ex instanceof NotDirectoryException) {
            return ErrorCodes.ENOTDIR();
        }
        if (ex instanceof NotLinkException) {
            return ErrorCodes.EINVAL(); // readlink(2) on something that is not a link
        }
        if (ex instanceof AtomicMoveNotSupportedException) {
            return ErrorCodes.EXDEV(); // rename(2) across filesystems
        }
        if (ex instanceof FileSystemLoopException) {
            return ErrorCodes.ELOOP();
        }
        if (ex instanceof ClosedChannelException) {
            return ErrorCodes.EBADF();
        }
        String reason = (ex instanceof FileSystemException fse) ? fse.getReason() : ex.getMessage();
        if (reason != null) {
            for (Map.Entry<String, Integer> entry : BY_REASON.entrySet()) {
                // the JDK sometimes appends its own words, e.g. ELOOP "... or unable to access attributes ..."
                if (reason.startsWith(entry.getKey())) {
                    return entry.getValue();
                }
            }
        }
        return ErrorCodes.EIO();
    }

}
