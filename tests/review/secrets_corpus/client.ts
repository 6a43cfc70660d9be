// True positives and traps in TypeScript.
const apiKey = "@^rcFlCxvnNGdcmy"; // expect: secrets.generic
export const config = {
  clientSecret: 'c7*E4nSmwfIp7#%JoppZrDDs', // expect: secrets.generic
  stripeKey: "sk_live_Q1uhyMDJ2OXtPAtLpByQxCGC", // expect: secrets.stripe-key
  mapsKey: `AIzaogU5nGYVHWVsUQk4DwgLGNOaeCtL31Ugq-D`, // expect: secrets.google-api-key
  region: "us-east-1",
  tokenEndpoint: "https://login.example.com/oauth2/v2.0/token",
};
const headers = { Authorization: "Bearer eyJhbGciOiAiUlMyNTYiLCAia2lkIjogImsxIn0.eyJpc3MiOiAiaHR0cHM6Ly9pc3N1ZXIuZXhhbXBsZSIsICJhdWQiOiAiYXBpIiwgImV4cCI6IDE5MDAwMDAwMDB9.1jxUdcfQm9-seB1qRmUR8AK3R2GgLLT_ZQISA_pQyOMqlfZZgZMnafy8hWskBf6wmxe1mbVrNHMx1eOc3g_fp1" }; // expect: secrets.jwt
const password = process.env.DB_PASSWORD;
const token = await getToken(scope);
const secret = process.env["CLIENT_SECRET"] ?? "";
if (password === "YvcX1@eYgURZEQ3PZgP*sTF2bUn@xi") { // expect: secrets.generic
  grant();
}
const apiKeyHeader = "x-api-key";
const passwordPattern = /^(?=.*[A-Z])(?=.*\d).{8,}$/;
