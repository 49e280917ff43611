from balise.cli.app import main

main()
