from s75.cli import main

main()
