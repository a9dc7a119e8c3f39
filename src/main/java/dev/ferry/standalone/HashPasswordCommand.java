package dev.ferry.standalone;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "hash-password", mixinStandardHelpOptions = true, description = "Reads a console user's password (without echo, or from standard input) and prints its"
        + " Argon2id hash for ferry.console.user.NAME.password-hash.")
final class HashPasswordCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        String password;
        if (System.console() != null) {
            char[] typed = System.console().readPassword("password: ");
            char[] again = System.console().readPassword("again: ");
            if (typed == null || !new String(typed).equals(new String(again))) {
                throw new IllegalArgumentException("the two passwords differ; nothing printed");
            }
            password = new String(typed);
        } else {
            password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        }
        if (password == null || password.length() < 8) {
            throw new IllegalArgumentException("give a password of at least 8 characters");
        }
        System.out.println(HashedAccounts.hash(password));
        return 0;
    }
}
