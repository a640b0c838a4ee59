package dev.autotls.internal.store;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * A storage folder's failure in words for its owner: the JDK's file exceptions carry only a
 * path as their message and say what went wrong in their class name
 * ({@code java.nio.file.AccessDeniedException: /srv/autotls/.guard}), which is no sentence.
 */
public final class StorageFailures {
    private StorageFailures() {
    }

    /** Why, naming the path: "permission denied on /srv/autotls/.guard". */
    public static String reason(Throwable failure) {
        if (failure instanceof AccessDeniedException denied) {
            return "permission denied on " + denied.getFile();
        }
        if (failure instanceof NoSuchFileException missing) {
            return "cannot create or find " + missing.getFile();
        }
        if (failure instanceof NotDirectoryException notFolder) {
            return notFolder.getFile() + " is not a folder";
        }
        if (failure instanceof FileAlreadyExistsException exists) {
            return exists.getFile() + " already exists";
        }
        if (failure instanceof FileSystemException other && other.getFile() != null) {
            String why = other.getReason() == null ? "cannot be used" : other.getReason().toLowerCase(Locale.ROOT);
            return other.getFile() + ": " + why;
        }
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }

    /** Whether the operating system refused this user the folder (permissions, or a read-only mount). */
    public static boolean deniedToThisUser(Throwable failure) {
        return failure instanceof AccessDeniedException || (failure instanceof FileSystemException other
                && other.getReason() != null && other.getReason().toLowerCase(Locale.ROOT).contains("read-only"));
    }

    /** What to do about a folder this process cannot use: give it to the user when it was refused them, else choose another. */
    public static String fix(Path folder, Throwable failure) {
        if (deniedToThisUser(failure)) {
            return "give it to the user running autotls (sudo chown -R " + System.getProperty("user.name") + " '" + folder
                    + "'), or choose a folder this user may write";
        }
        return "choose a folder this user may create files in";
    }
}
