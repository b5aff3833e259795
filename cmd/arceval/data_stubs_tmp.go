package main

func runDataGen(c *cli, args []string) error   { return usageError{"data gen: not wired yet"} }
func runDataFetch(c *cli, args []string) error { return usageError{"data fetch: not wired yet"} }
