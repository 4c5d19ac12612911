set title t
page main
text h=6 "{x}"
columns 10 20
row h=5
  cell span=2 "a"
