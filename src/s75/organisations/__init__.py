"""The organisation register: councils and NHS bodies, their codes and who succeeded whom."""
