package main

func runDataGen(c *cli, args []string) error   { return usageError{"data gen: not wired yet"} }
