using System;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;

namespace Example.Security
{
    public sealed class Protector
    {
        private const int Iterations = 210000;

        public byte[] Seal(byte[] key, byte[] plain, byte[] nonce, byte[] tag)
        {
            var cipherText = new byte[plain.Length];
            using var gcm = new AesGcm(key, 16);
            gcm.Encrypt(nonce, plain, cipherText, tag);
            return cipherText;
        }

        public byte[] Legacy(byte[] key, byte[] data)
        {
            using var aes = Aes.Create();
            aes.Key = key;
            return aes.EncryptEcb(data, PaddingMode.PKCS7);
        }

        public byte[] DeriveKey(string password, byte[] salt)
        {
            return Rfc2898DeriveBytes.Pbkdf2(password, salt, Iterations, HashAlgorithmName.SHA256, 32);
        }

        public byte[] OldDeriveKey(string password, byte[] salt)
        {
            using var kdf = new Rfc2898DeriveBytes(password, salt);
            return kdf.GetBytes(16);
        }

        public byte[] Expand(byte[] secret)
        {
            return HKDF.DeriveKey(HashAlgorithmName.SHA384, secret, 48);
        }

        public string Tag(byte[] key, string message)
        {
            using var hmac = new HMACSHA256(key);
            return Convert.ToHexString(hmac.ComputeHash(Encoding.UTF8.GetBytes(message)));
        }

        public byte[] Fingerprint(byte[] data) => SHA512.HashData(data);

        public byte[] Nonce() => RandomNumberGenerator.GetBytes(12);

        public byte[] SignRelease(byte[] artifact)
        {
            using var rsa = RSA.Create(3072);
            return rsa.SignData(artifact, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }

        public void LegacyTls()
        {
            ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls11;
        }

        public SslServerAuthenticationOptions ServerOptions()
        {
            return new SslServerAuthenticationOptions { EnabledSslProtocols = SslProtocols.Tls13 };
        }

        public string ResetToken()
        {
            var random = new Random();
            var token = random.Next().ToString("x");
            return token;
        }

        public int Dice() => new Random().Next(1, 7);
    }
}
