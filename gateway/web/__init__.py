"""The clerk's desk: the registers on web pages (`qlvb-gateway web`), server-rendered, without scripts."""
