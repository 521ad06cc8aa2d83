package dev.bluegreen.examples.options;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.proxy.TlsFileException;
import java.nio.file.Path;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * Turns the library's refusals of an option's value into picocli usage errors that name the option, so that the
 * command exits with 2, the message and the usage: {@code Invalid value for option '--threads': ...}.
 *
 * <p>Immutable and thread-safe.
 */
public final class OptionErrors {

    private final CommandLine commandLine;

    /**
     * Errors reported against a command.
     *
     * @param commandLine the command whose usage a usage error prints
     * @throws NullPointerException if {@code commandLine} is {@code null}
     */
    public OptionErrors(CommandLine commandLine) {
        this.commandLine = requireNonNull(commandLine, "commandLine");
    }

    /**
     * Applies an option's value, blaming the option if the library refuses it.
     *
     * @param option the option's name, as in {@code --threads}
     * @param apply applies the value; may throw {@link IllegalArgumentException}
     * @param <T> what applying returns
     * @return what {@code apply} returned
     * @throws ParameterException if {@code apply} threw {@link IllegalArgumentException}, with its message
     */
    public <T> T check(String option, Supplier<T> apply) {
        try {
            return apply.get();
        } catch (IllegalArgumentException e) {
            throw usage(option, e.getMessage());
        }
    }

    /**
     * A certificate chain and its key, two options given together or not at all, read with {@code read}: a file it
     * can't use is blamed on the option that names it (a key that is not the certificate's is the key's).
     *
     * @param certificateOption the certificate's option, as in {@code --tls-cert}
     * @param certificate its value, or {@code null}
     * @param keyOption the key's option
     * @param key its value, or {@code null}
     * @param read reads both files; may throw a usage error of its own
     * @return what {@code read} made, or {@code null} when neither option was given
     * @throws ParameterException if one option was given without the other, or a file can't be used
     */
    public <T> T pemPair(String certificateOption, Path certificate, String keyOption, Path key, Supplier<T> read) {
        if (certificate == null && key == null) {
            return null;
        }
        if (certificate == null || key == null) {
            throw usage(certificate == null ? keyOption : certificateOption, "given alone (expected: both "
                    + certificateOption + " and " + keyOption + ")");
        }
        try {
            return read.get();
        } catch (TlsFileException refused) {
            throw usage(refused.isPrivateKey() ? keyOption : certificateOption, refused.getMessage());
        }
    }

    /**
     * A usage error against an option.
     *
     * @param option the option's name, as in {@code --threads}
     * @param message what is wrong and what was expected
     * @return the exception, for the caller to throw
     */
    public ParameterException usage(String option, String message) {
        return new ParameterException(commandLine, "Invalid value for option '" + option + "': " + message);
    }
}
