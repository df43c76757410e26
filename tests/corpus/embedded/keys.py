"""Public keys pinned in code."""

SERVER_KEY = """-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEADnuGmluPzgDEhtiIvj0vBXcRrMIXWvNnsJpsiM3ug6o=
-----END PUBLIC KEY-----
"""

EC_KEY = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEzL60dDWNjvOkaRUhy1Iz2cecRot\n7VTHvTCcCF2Akf2o3o8ekElCsaxe8rVMouXfXhhW8colPJamU//1VowDPA==\n-----END PUBLIC KEY-----"
