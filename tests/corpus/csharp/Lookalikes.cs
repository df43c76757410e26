using System;
using System.Collections.Generic;

namespace Example.Game
{
    /// <summary>A puzzle game: Cipher and Signature are game objects.</summary>
    public class Cipher
    {
        public int Shift { get; set; }

        public string Encrypt(string text)
        {
            var chars = text.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)(chars[i] + Shift);
            }
            return new string(chars);
        }
    }

    public static class Table
    {
        public static int Bucket(object state) => state.GetHashCode() & 63;

        public static int Roll(Random rng) => rng.Next(1, 7);

        public static void Log()
        {
            Console.WriteLine("API tokens use RS256");
            // var md5 = MD5.Create();
#if false
            var sha1 = System.Security.Cryptography.SHA1.Create();
#endif
        }

        public static readonly Dictionary<string, string[]> Disabled = new()
        {
            ["disabled_algorithms"] = new[] { "diffie-hellman-group1-sha1", "diffie-hellman-group14-sha1" },
        };
    }
}
