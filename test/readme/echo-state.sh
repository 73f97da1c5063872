# The checker's own test: a variable and an array set by an earlier block are still there.
echo "$N ${ARR[1]}"
