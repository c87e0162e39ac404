/**
 * The knowledge leaf's detectors, with compliant and non-compliant examples (the rules that use
 * them have their own fixtures).
 */
import { credentialInUrl, literalAuthorization, literalPasswordFlag, looksLikeSecretName, matchCredential, movingTagReason } from "../knowledge";

describe("looksLikeSecretName", () => {
  test.each(["PGPASSWORD", "MYSQL_PWD", "REDIS_AUTH", "RABBITMQ_DEFAULT_PASS", "dbpasswd", "DB_PASSWORD", "jwtSecret", "OPENAI_API_KEY"])("%s is a secret name", (n) => {
    expect(looksLikeSecretName(n)).toBe(true);
  });
  test.each(["PWD", "AUTH", "COMPASS_URL", "OAUTH_ENABLED", "AUTH_URL", "service_private_ip", "ENABLE_AUTH", "REQUIRE_AUTH", "DISABLE_AUTH"])("%s is not", (n) => {
    expect(looksLikeSecretName(n)).toBe(false);
  });
});

describe("credentialInUrl", () => {
  test.each([
    ["postgres://app:hunter2@db:5432/app", "postgres"],
    ["amqp://koha:s3cret@rabbitmq:5672/", "amqp"],
    ["redis://:hunter2@cache:6379/0", "redis"],
    ["https://user:pa55@example.org/x", "https"],
    ["DATABASE_URL=mysql://root:toor@db/app", "mysql"],
  ])("%s has a literal password", (v, scheme) => {
    expect(credentialInUrl(v)).toBe(scheme);
  });
  test.each([
    "postgres://app:${var.db_password}@db/app",
    "postgres://app:$DB_PASSWORD@db/app",
    "postgres://app@db/app",
    "https://example.org/path?x=1",
    "redis://cache:6379",
  ])("%s has none", (v) => {
    expect(credentialInUrl(v)).toBeNull();
  });
});

describe("literalAuthorization", () => {
  test.each([["Basic dXNlcjpwYXNzd29yZA==", "Basic"], ["Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "Bearer"], ["Authorization: bearer abcdefgh1234", "Bearer"]])("%s", (v, s) => {
    expect(literalAuthorization(v)).toBe(s);
  });
  test.each(["Bearer ${var.token}", "Bearer $TOKEN", "Basic", "bearer short", "Bearerless value"])("%s is not a literal credential", (v) => {
    expect(literalAuthorization(v)).toBeNull();
  });
});

describe("credential formats", () => {
  test.each([
    ["sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe secret key"],
    ["rk_live_51H8abcdefghijklmnop", "Stripe secret key"],
    ["https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX", "Slack webhook"],
    ["-----BEGIN OPENSSH PRIVATE KEY-----\nabc", "private key"],
    ["-----BEGIN PGP PRIVATE KEY BLOCK-----", "private key"],
  ])("%s", (v, name) => {
    expect(matchCredential(v)).toBe(name);
  });
  test.each(["pk_live_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "-----BEGIN CERTIFICATE-----", "https://hooks.slack.com/"])("%s is not a secret", (v) => {
    expect(matchCredential(v)).toBeNull();
  });
});

describe("literalPasswordFlag", () => {
  test.each([
    [["mysqladmin", "-uroot", "-phunter2", "ping"], "-p<password>"],
    [["mariadb-dump", "--password=hunter2", "db"], "--password="],
    [["pg_dump", "--password", "hunter2"], "--password"],
    [["sh -c 'mysql -uroot -phunter2 -e select 1'"], "-p<password>"],
  ])("%p", (args, flag) => {
    expect(literalPasswordFlag(args)).toBe(flag);
  });
  test.each([
    [["mysqladmin", "-uroot", "-p$MYSQL_PWD", "ping"]],
    [["mariadb-dump", "--password=${var.db_password}"]],
    [["redis-server", "-p", "6379"]],
    [["memcached", "-p11211"]],
    [["pg_isready", "-p", "5432"]],
  ])("%p carries none", (args) => {
    expect(literalPasswordFlag(args)).toBeNull();
  });
});

describe("movingTagReason", () => {
  test.each(["main", "master", "stable", "edge", "nightly", "dev", "latest", "v1", "8", "lts-alpine"])("%s moves", (t) => {
    expect(movingTagReason(t)).not.toBeNull();
  });
  test.each(["8.4", "v1.2.3", "11.8.9-noble", "18.4-trixie", "2025.8.1", "20240101", "25.05.04-nonroot", "1.0.0"])("%s is a version", (t) => {
    expect(movingTagReason(t)).toBeNull();
  });
});
