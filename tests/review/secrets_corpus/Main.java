// Java shapes of the generic rule.
public class Main {
    private static final String DB_PASSWORD = "3z%cCr1Y6ffeIIemGp*b3EfKoN"; // expect: secrets.generic
    private static final String PASSWORD_PROPERTY = "spring.datasource.password";
    private String secretKeyRef = System.getenv("SECRET_KEY");
    private static final String AWS_KEY = "AKIAJ8HT9LGMXG9EDN58"; // expect: secrets.aws-access-key
    private static final String ENCRYPTION_KEY = "74dab4683f84d30d3fc4d83cee9b9bcc"; // expect: secrets.generic
}
