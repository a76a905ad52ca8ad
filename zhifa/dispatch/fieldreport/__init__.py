"""现场上报: grid workers (网格吹哨), officers on patrol and departments report from the field."""
