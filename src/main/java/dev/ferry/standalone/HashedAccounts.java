package dev.ferry.standalone;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;
import dev.ferry.console.Account;
import dev.ferry.console.Accounts;
import dev.ferry.console.Role;
import dev.ferry.schedule.Schedule;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.Config;

/**
 * The standalone console's users: {@code ferry.console.user.NAME.password-hash} (an Argon2id hash, as
 * {@code ferry hash-password} prints it) and {@code ferry.console.user.NAME.role} ({@code viewer} or
 * {@code operator}). No clear password is kept anywhere.
 */
public final class HashedAccounts implements Accounts {

    /** From a file {@code password-hash}; from an environment variable MicroProfile Config lists it as {@code password.hash}. */
    private static final Pattern KEY = Pattern.compile("ferry\\.console\\.user\\.(.+)\\.password[-.]hash");
    /** OWASP's minimum for Argon2id: 19 MiB, 2 iterations, 1 lane. */
    private static final Argon2Function ARGON2 = Argon2Function.getInstance(19_456, 2, 1, 32, Argon2.ID, 19);

    /** @param fromEnvironment named by an environment variable, which cannot spell {@code -} or {@code .} */
    private record User(String hash, Role role, boolean fromEnvironment) {
    }

    private final Map<String, User> users;
    /** Checked when the user is unknown, so that a wrong name takes as long as a wrong password. */
    private final String decoy = hash("decoy password");

    private HashedAccounts(Map<String, User> users) {
        this.users = Map.copyOf(users);
    }

    static HashedAccounts from(Config config) {
        Map<String, User> users = new TreeMap<>();
        for (String key : config.getPropertyNames()) {
            Matcher m = KEY.matcher(key);
            if (m.matches()) {
                String name = m.group(1);
                key = "ferry.console.user." + name + ".password-hash";
                var value = config.getConfigValue(key);
                if (value.getValue() == null) {
                    continue;
                }
                String hash = value.getValue().trim();
                boolean fromEnvironment = String.valueOf(value.getSourceName()).contains("Env");
                if (!hash.startsWith("$argon2id$")) {
                    throw new IllegalArgumentException(key + " is not an Argon2id hash ($argon2id$...); make one with: ferry hash-password");
                }
                String roleKey = "ferry.console.user." + name + ".role";
                String role = config.getOptionalValue(roleKey, String.class).orElseThrow(() ->
                        new IllegalArgumentException(roleKey + " is missing: give the user the role viewer or operator"));
                try {
                    // One user, one spelling: Olga and olga are the same user, known as olga.
                    users.put(name.toLowerCase(java.util.Locale.ROOT), new User(hash, Role.parse(role), fromEnvironment));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(roleKey + ": " + e.getMessage());
                }
            }
        }
        return new HashedAccounts(users);
    }

    boolean isEmpty() {
        return users.isEmpty();
    }

    @Override
    public Optional<Account> authenticate(String user, String password) {
        String canonical = user.strip().toLowerCase(java.util.Locale.ROOT);
        User found = users.get(canonical);
        String name = canonical;
        if (found == null) {
            // FERRY_CONSOLE_USER_OPS_LEAD_PASSWORD_HASH is the user ops.lead, ops-lead or ops_lead: whichever logs in.
            Map.Entry<String, User> entry = users.entrySet().stream().filter(u -> u.getValue().fromEnvironment())
                    .filter(u -> Schedule.environmentName(u.getKey()).equals(Schedule.environmentName(canonical)))
                    .findFirst().orElse(null);
            found = entry == null ? null : entry.getValue();
            name = entry == null ? canonical : entry.getKey();
        }
        boolean valid = Password.check(password, found == null ? decoy : found.hash()).with(ARGON2);
        return found != null && valid ? Optional.of(new Account(name, EnumSet.of(found.role()))) : Optional.empty();
    }

    /** An Argon2id hash with a random salt, for {@code ferry.console.user.NAME.password-hash}. */
    public static String hash(String password) {
        return Password.hash(password).addRandomSalt(16).with(ARGON2).getResult();
    }
}
