using System.Security.Cryptography;

// The mode of a SymmetricAlgorithm is a property set after Create: ECB is what matters.
class AesModes
{
    public static ICryptoTransform Legacy(byte[] key)
    {
        Aes aes = Aes.Create();
        aes.Key = key;
        aes.Mode = CipherMode.ECB;
        return aes.CreateEncryptor();
    }

    public static ICryptoTransform Chained(byte[] key, byte[] iv)
    {
        var aes = Aes.Create();
        aes.Mode = CipherMode.CBC;
        return aes.CreateEncryptor(key, iv);
    }

    public static bool IsEcb(SymmetricAlgorithm other)
    {
        var probe = Aes.Create();
        return probe.Mode == CipherMode.ECB || other.Mode == CipherMode.ECB;
    }
}
