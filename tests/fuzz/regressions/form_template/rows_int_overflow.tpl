page l
cell rows=4333333333