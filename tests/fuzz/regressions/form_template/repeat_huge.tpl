page l
columns 10
row h=1 repeat=100000000
