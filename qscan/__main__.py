from qscan.cli import main

main()
