package io.wharf.broker.config;

/**
 * One user (an entry of {@code auth.users}).
 *
 * @param name          {@code name}
 * @param passwordHash  {@code password-hash}: a salted hash as written by {@code wharf hash-password}, never the password
 * @param loopbackOnly  {@code loopback-only}: may connect only from a loopback address (default false; the
 *                      shipped {@code guest} user has it true, as in RabbitMQ)
 */
public record UserConfig(String name, String passwordHash, boolean loopbackOnly) {
}
