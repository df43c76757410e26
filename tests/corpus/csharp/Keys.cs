using System;
using System.Security.Cryptography;

namespace Corpus
{
    public static class Keys
    {
        private const int LegacyBits = 1024;

        public static void Make()
        {
            using var rsa = RSA.Create(2048);
            using var old = new RSACryptoServiceProvider(LegacyBits);
            using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
            using var cng = new ECDsaCng(256);
            using var dh = ECDiffieHellman.Create();
            using var dsa = DSA.Create();
            using var kem = MLKem.GenerateKey(MLKemAlgorithm.MLKem768);
        }
    }
}
