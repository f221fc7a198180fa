package io.wharf.broker;

import io.wharf.amqp.sasl.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * {@code wharf hash-password [password]}: prints the {@link PasswordHash} to put in {@code auth.users[].password-hash}.
 *
 * <p>Without an argument the password is read as one line from standard input, without echo when that is a
 * terminal. Prefer that form: a password given as an argument stays in the shell history and shows in {@code ps}.
 */
public final class HashPasswordCommand {

    private static final int USAGE_ERROR = 2;

    private HashPasswordCommand() {
    }

    public static void main(String[] args) {
        int status;
        Console console = System.console();
        if (args.length == 0 && console != null) {
            char[] password = console.readPassword("Password: ");
            status = print(password, System.out, System.err);
        } else {
            status = run(args, System.in, System.out, System.err);
        }
        if (status != 0) {
            System.exit(status);
        }
    }

    /**
     * Hashes {@code args[0]}, or the first line of {@code in} when there is no argument.
     *
     * @return the process exit status: 0, or 2 for bad usage or no password
     */
    static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (args.length > 1) {
            err.println("usage: wharf hash-password [password]   (without it, the password is read from stdin)");
            return USAGE_ERROR;
        }
        if (args.length == 1) {
            return print(args[0].toCharArray(), out, err);
        }
        try {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, Charset.defaultCharset()));
            String line = reader.readLine();
            return print(line == null ? null : line.toCharArray(), out, err);
        } catch (IOException e) {
            err.println("cannot read the password from stdin: " + e.getMessage());
            return USAGE_ERROR;
        }
    }

    private static int print(char[] password, PrintStream out, PrintStream err) {
        if (password == null || password.length == 0) {
            err.println("no password given");
            return USAGE_ERROR;
        }
        try {
            out.println(PasswordHash.hash(password));
            return 0;
        } finally {
            Arrays.fill(password, '\0');
        }
    }
}
