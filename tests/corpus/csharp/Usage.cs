using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Corpus
{
    internal class Usage
    {
        internal byte[] Hash(byte[] data)
        {
            using var md5 = MD5.Create();
            using var sha1 = new SHA1Managed();
            using var sha256 = SHA256.Create();
            using var mac = new HMACSHA1(data);
            using var tdes = TripleDES.Create();
            using var aes = Aes.Create();
            return sha256.ComputeHash(data);
        }

        internal SigningCredentials Credentials(SecurityKey key)
        {
            return new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
        }

        internal string Name() => SecurityAlgorithms.EcdsaSha384;
    }
}
