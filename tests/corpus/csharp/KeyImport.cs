using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Example.Keys
{
    /// <summary>Keys imported from PEM files, and the token algorithms the API accepts.</summary>
    public static class KeyImport
    {
        public static RSA FromPem(string pem)
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa;
        }

        public static TokenValidationParameters Validation(SecurityKey key) => new()
        {
            IssuerSigningKey = key,
            ValidAlgorithms = new[] { "RS256", "ES384" },
        };
    }
}
